read --no-tokens --input text --date 2024-07-10 {in}

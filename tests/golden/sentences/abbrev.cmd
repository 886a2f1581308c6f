read --no-tokens --input text {in}

read --no-tokens --max-line 200 {in}

read --no-tokens {in}

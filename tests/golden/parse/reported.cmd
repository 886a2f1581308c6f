parse --pretty --input text {in}

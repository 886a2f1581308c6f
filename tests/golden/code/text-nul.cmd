code --dict tests/golden/code/fixture-dict.txt --input text --date 2024-08-01 {in}

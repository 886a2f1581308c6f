code --dict tests/golden/code/fixture-dict.txt --input jsonl {in}

eval --gold --errors --shared tests/golden/eval/shared --dict tests/golden/eval/fixture-dict.txt {in}

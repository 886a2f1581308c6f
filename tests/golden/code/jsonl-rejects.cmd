code --dict tests/golden/code/fixture-dict.txt {in}

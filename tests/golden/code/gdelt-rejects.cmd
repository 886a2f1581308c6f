code --dict tests/golden/code/fixture-dict.txt --format gdelt {in}

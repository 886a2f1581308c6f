code --dict tests/golden/code/fixture-dict.txt --quiet {in}

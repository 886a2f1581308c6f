code --dict tests/golden/code/fixture-dict.txt --max-line 200 {in}

eval --gold --split test --errors --shared tests/golden/eval/shared --dict tests/golden/eval/fixture-dict.txt tests/golden/eval/scorer.in

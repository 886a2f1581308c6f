eval --gold --split dev --min-root-dyad-recall 50 --min-root-dyad-precision 70 --shared tests/golden/eval/shared --dict tests/golden/eval/fixture-dict.txt tests/golden/eval/scorer.in

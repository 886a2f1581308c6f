eval --gold --split dev --min-root-dyad-recall 60 --min-root-dyad-precision 90 --shared tests/golden/eval/shared --dict tests/golden/eval/fixture-dict.txt tests/golden/eval/scorer.in

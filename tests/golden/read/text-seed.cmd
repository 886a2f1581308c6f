read --no-tokens - < {shared}/seeds/000_cf2e950d9dabc652.txt

read --no-tokens - < examples/seed-2024.txt

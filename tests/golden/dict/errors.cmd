dict check {in}

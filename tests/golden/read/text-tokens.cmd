read {in}

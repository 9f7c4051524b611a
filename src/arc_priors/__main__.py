from arc_priors.cli import main

main()

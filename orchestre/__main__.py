from orchestre.cli import main

main()

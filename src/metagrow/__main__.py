from metagrow.cli import main

main()

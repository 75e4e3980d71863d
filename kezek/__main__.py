from kezek.cli import main

main()

from pulsedev.cli import main

main()

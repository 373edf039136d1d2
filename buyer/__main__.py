from buyer.cli import run

run()

from .cli import main

if __name__ == "__main__":  # query workers are started with "spawn", which imports this module
    main()

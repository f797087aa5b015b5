"""Drop-in adapters that give w2v.reference the APIs of other word2vec code bases."""

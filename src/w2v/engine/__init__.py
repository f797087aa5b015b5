"""The compiled training engine: the C kernel and the threaded driver.

Nothing here imports :mod:`w2v.reference`; the tests are where the two meet.
"""

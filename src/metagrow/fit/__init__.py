"""Fitting the trainable parts of programs: gradient training of neural modules through programs."""

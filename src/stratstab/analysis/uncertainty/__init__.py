"""Each delegation's uncertainty: Monte Carlo over beliefs, Sobol sensitivity, misperception."""

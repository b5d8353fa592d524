"""Every read of the partners app that views share."""

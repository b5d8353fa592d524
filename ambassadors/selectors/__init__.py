"""Every read of the ambassadors app that pages share, with the queries each page needs."""

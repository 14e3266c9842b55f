"""One router per resource: home, search, datasets, publishers, dcat (the harvest feed), api."""

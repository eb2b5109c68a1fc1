"""What robots learn from use: question -> rule pairs (clicked recommendations, thumbs-up answers,
imported labelled pairs) and models trained from labelled pairs (`huida train`)."""

"""Tagging: language, entities, topics and keywords, each an `articles -> articles` stage."""

"""Vitrine's Spark historical backfill: the stream's validation and domain rules, in Python, run by Spark."""

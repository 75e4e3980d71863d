"""Telling visitors about their turn away from the office: who follows which ticket, what to
say when the queue moves, and the channels that carry it (Telegram; an SMS gateway beside it).
"""

"""The retention workflows' admin pages beyond the declarative viewsets."""

"""Integers, booleans and lists: DreamCoder's list domain and more."""

from metagrow.domains.lists._domain import ListsDomain
from metagrow.domains.lists._primitives import MAX_INT, MAX_LENGTH, list_primitives

__all__ = ["MAX_INT", "MAX_LENGTH", "ListsDomain", "list_primitives"]

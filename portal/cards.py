"""A listing card (demands/cards.py, offerings/cards.py): a dict of the values one row's card prints,
computed once in Python, which also answers attribute reads with the row's own (`card.pk`,
`card.title`, `card.is_member`), so that code reading a page's rows reads them as before.

Django templates try a key before an attribute: a dict's values are found on the first try, where a
model's attributes cost a failed key lookup each (issue 15).
"""


class Card(dict):
    __slots__ = ("row",)

    def __init__(self, row, **printed):
        super().__init__(printed)
        self.row = row

    def __getattr__(self, name):  # only for names that are not the card's own
        if name == "row":  # not set yet (a copy being made)
            raise AttributeError(name)
        return getattr(self.row, name)

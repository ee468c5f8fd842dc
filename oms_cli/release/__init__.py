"""Release to the floor: the payment, address and stock gate, reservations, ship-by
deadlines, priorities, special instructions and thank-you rules.

Pure modules (``schedule``, ``addresses``, ``thank_you``, ``decision``, ``priority``)
take plain data and return plain data; ``service``, ``instructions`` and ``queue``
own the transactions.
"""

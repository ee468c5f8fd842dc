"""After the parcel arrives: customer feedback, and the problems it reveals."""

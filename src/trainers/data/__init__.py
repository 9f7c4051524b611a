"""Chats and datasets: the mixture, chats built a record or a chunk at a time, the record
schema and its cards, dataset files written atomically, and real ARC grids and tasks."""

"""What Keras is checked against: the NumPy cells (``numpy_cells``) and PyTorch
(``torch_mapping``: Keras weights loaded into ``nn.LSTM`` / ``nn.GRU``)."""

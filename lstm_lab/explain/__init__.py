"""``lstm-lab explain``: a layer's outputs named, checked and proven against its equations."""

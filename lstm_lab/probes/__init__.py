"""Behaviour probes: small, seeded measurements of one thing a recurrent layer does.

Each module probes one behaviour and returns plain numbers (usually max abs differences)
that an experiment turns into a claim:

- ``anatomy``: output and state shapes, parameter counts (experiment 02)
- ``bidirectional``: what the last step of plain and Bidirectional outputs holds (02)
- ``cell_equations``: Keras layers against the NumPy equations; gates forced open/shut (01)
- ``weight_recovery``: the LSTM(1) weights behind source C002's printed numbers (01)
- ``stateful``: state carried between calls, across rows and chunks (03)
- ``keras2_calls``: the tutorials' Keras 2 calls on the installed Keras (03)
- ``masking``: padded steps with and without a mask (05)
- ``clipping``, ``exploding``: gradient clipping definitions and an exploding run (06)
- ``states``, ``masks``: states carried and handed over; masks, dropout and unroll (10, 11)
- ``readable``: layers whose outputs show what was dropped, for Keras 3 and Keras 2 alike
"""

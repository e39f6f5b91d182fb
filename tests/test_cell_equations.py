from lstm_lab.probes.cell_equations import compare_with_reference, probe_forced_gates


def test_forcing_the_gates_clears_or_copies_the_memory():
    gates = probe_forced_gates()
    assert gates["f=0, i=1: c_t - candidate"] <= 1e-6
    assert gates["f=0, i=1: c_t - c_(t-1)"] > 0.1  # the old memory is gone
    assert gates["f=0, i=1: c_t change when h_(t-1) changes"] > 0.1  # the candidate sees h
    assert gates["f=1, i=0: c_t - c_(t-1)"] == 0.0


def test_every_layer_matches_its_numpy_equations():
    differences = compare_with_reference()
    assert set(differences) == {
        "SimpleRNN",
        "GRU (reset_after=True)",
        "GRU (reset_after=False)",
        "LSTM",
    }
    assert max(differences.values()) <= 1e-6


def test_a_zero_bias_forces_no_gate():
    # C002-11's control: without the ±50 bias, the memory is neither cleared nor copied.
    gates = probe_forced_gates(saturate=0.0)
    assert gates["f=0, i=1: c_t - candidate"] > 0.01
    assert gates["f=1, i=0: c_t - c_(t-1)"] > 0.01


def test_the_tanh_equations_do_not_describe_relu_layers():
    # C002-12's control: each layer with activation="relu" leaves the NumPy equations.
    assert min(compare_with_reference(activation="relu").values()) > 0.01

"""Model builders: functions that return compiled ``keras.Model`` objects, one module per family."""

"""The kinematics core: pure numpy/scipy functions from a trajectory (metres, seconds) to rep metrics."""

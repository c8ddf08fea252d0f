@_exported import Randomness
@_exported import Environments
@_exported import GymBridge
@_exported import Tensors
@_exported import Networks
@_exported import Agents
@_exported import Training

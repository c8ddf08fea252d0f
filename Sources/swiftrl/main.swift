import GymBridge
import Tensors

// Every command reaches Gymnasium ids (ALE/Pong-v5, gym:CartPole-v1) through the bridge.
Gymnasium.install()
// Training reallocates the same large arrays every step; keep them instead of page-faulting.
CPU.retainFreedMemory()
SwiftRLCommand.main()

// berth.node: what the TypeScript runtime needs from the kernel that Node does not offer.
// The exported names and shapes are typed in src/native/addon.ts.
#include <napi.h>

namespace berth {
Napi::Value SpawnInit(const Napi::CallbackInfo&);
Napi::Value SyncRecv(const Napi::CallbackInfo&);
Napi::Value SyncSend(const Napi::CallbackInfo&);
Napi::Value CloseFd(const Napi::CallbackInfo&);
Napi::Value SocketPair(const Napi::CallbackInfo&);
Napi::Value WaitPid(const Napi::CallbackInfo&);
Napi::Value WaitPidAsync(const Napi::CallbackInfo&);
Napi::Value SignalPid(const Napi::CallbackInfo&);
Napi::Value PidfdOpen(const Napi::CallbackInfo&);
Napi::Value PidfdSignal(const Napi::CallbackInfo&);
Napi::Value SetSubreaper(const Napi::CallbackInfo&);
Napi::Value LockFile(const Napi::CallbackInfo&);
Napi::Value StartContainer(const Napi::CallbackInfo&);
Napi::Value ConnectUnix(const Napi::CallbackInfo&);
Napi::Value ListenUnix(const Napi::CallbackInfo&);
Napi::Value AcceptFd(const Napi::CallbackInfo&);
Napi::Value RecvFd(const Napi::CallbackInfo&);
Napi::Value SeccompCompile(const Napi::CallbackInfo&);
Napi::Value SeccompProbe(const Napi::CallbackInfo&);
Napi::Value SendFdMessage(const Napi::CallbackInfo&);
Napi::Value RecvFdMessage(const Napi::CallbackInfo&);
Napi::Value SeccompNotifyRecv(const Napi::CallbackInfo&);
Napi::Value SeccompNotifyRespond(const Napi::CallbackInfo&);
Napi::Value AttachDeviceProgram(const Napi::CallbackInfo&);
Napi::Value AttachedDevicePrograms(const Napi::CallbackInfo&);
Napi::Value IdmapProbe(const Napi::CallbackInfo&);
Napi::Value SyscallProbe(const Napi::CallbackInfo&);
Napi::Value NetLinkGet(const Napi::CallbackInfo&);
Napi::Value NetAddrs(const Napi::CallbackInfo&);
Napi::Value NetLinkSet(const Napi::CallbackInfo&);
Napi::Value NetAddrAdd(const Napi::CallbackInfo&);
}  // namespace berth

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace berth;
  exports.Set("spawnInit", Napi::Function::New(env, SpawnInit));
  exports.Set("syncRecv", Napi::Function::New(env, SyncRecv));
  exports.Set("syncSend", Napi::Function::New(env, SyncSend));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
  exports.Set("socketPair", Napi::Function::New(env, SocketPair));
  exports.Set("waitPid", Napi::Function::New(env, WaitPid));
  exports.Set("waitPidAsync", Napi::Function::New(env, WaitPidAsync));
  exports.Set("signalPid", Napi::Function::New(env, SignalPid));
  exports.Set("pidfdOpen", Napi::Function::New(env, PidfdOpen));
  exports.Set("pidfdSignal", Napi::Function::New(env, PidfdSignal));
  exports.Set("setSubreaper", Napi::Function::New(env, SetSubreaper));
  exports.Set("lockFile", Napi::Function::New(env, LockFile));
  exports.Set("startContainer", Napi::Function::New(env, StartContainer));
  exports.Set("connectUnix", Napi::Function::New(env, ConnectUnix));
  exports.Set("listenUnix", Napi::Function::New(env, ListenUnix));
  exports.Set("acceptFd", Napi::Function::New(env, AcceptFd));
  exports.Set("recvFd", Napi::Function::New(env, RecvFd));
  exports.Set("seccompCompile", Napi::Function::New(env, SeccompCompile));
  exports.Set("seccompProbe", Napi::Function::New(env, SeccompProbe));
  exports.Set("sendFdMessage", Napi::Function::New(env, SendFdMessage));
  exports.Set("recvFdMessage", Napi::Function::New(env, RecvFdMessage));
  exports.Set("seccompNotifyRecv", Napi::Function::New(env, SeccompNotifyRecv));
  exports.Set("seccompNotifyRespond", Napi::Function::New(env, SeccompNotifyRespond));
  exports.Set("attachDeviceProgram", Napi::Function::New(env, AttachDeviceProgram));
  exports.Set("attachedDevicePrograms", Napi::Function::New(env, AttachedDevicePrograms));
  exports.Set("idmapProbe", Napi::Function::New(env, IdmapProbe));
  exports.Set("syscallProbe", Napi::Function::New(env, SyscallProbe));
  exports.Set("netLinkGet", Napi::Function::New(env, NetLinkGet));
  exports.Set("netAddrs", Napi::Function::New(env, NetAddrs));
  exports.Set("netLinkSet", Napi::Function::New(env, NetLinkSet));
  exports.Set("netAddrAdd", Napi::Function::New(env, NetAddrAdd));
  return exports;
}

NODE_API_MODULE(berth, Init)

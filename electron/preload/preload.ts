// Exposes one narrow, typed object to the page; never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENTS, IPC_EVENT, IPC_INVOKE, isChannel, type KeywardBridge, type KeywardEvents } from '../common/bridge';

const bridge: KeywardBridge = {
  invoke(channel, args) {
    if (!isChannel(channel)) return Promise.resolve({ ok: false, error: { code: 'unknown_channel', message: `there is no channel ${String(channel)}` } });
    return ipcRenderer.invoke(IPC_INVOKE, channel, args);
  },
  on(event, listener) {
    if (!EVENTS.includes(event)) throw new Error(`there is no event ${String(event)}`);
    const relay = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as KeywardEvents[typeof event]);
    };
    ipcRenderer.on(IPC_EVENT, relay);
    return () => ipcRenderer.removeListener(IPC_EVENT, relay);
  },
};

contextBridge.exposeInMainWorld('keyward', bridge);

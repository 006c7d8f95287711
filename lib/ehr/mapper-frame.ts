import { send } from '../messaging/client';
import { listen } from '../messaging/server';
import { startMapper, type MapperHandle } from './mapper';

interface MapperGlobal {
  __pmpCheckMapper?: MapperHandle;
}

/**
 * The field mapper in one frame, injected on demand by the background (scripting.executeScript
 * into every frame of the tab), so the always-loaded content script does not carry it. Opens
 * the UI (the panel in the top frame, picking in every frame) and closes it on "mapperEnd".
 * A second injection into the same frame does nothing.
 */
export function runMapperFrame(win: Window): void {
  const g = win as unknown as MapperGlobal;
  if (g.__pmpCheckMapper) return;
  const warn = (what: string) => (e: unknown) => {
    console.warn(`PMP Check: ${what}`, e instanceof Error ? e.message : 'unknown error');
  };
  let stopListening = (): void => undefined;
  const end = (): void => {
    handle.end();
    stopListening();
    g.__pmpCheckMapper = undefined;
  };
  const handle = startMapper(win.document, {
    isTop: win.top === win,
    sendPick: (pick) => {
      send('mapperPick', pick).catch(warn('could not pass the pick on'));
    },
    save: async (mapping) => {
      await send('saveMapping', { mapping });
    },
    stop: () => {
      // The background closes the mapper in every frame; if it cannot be reached, close this one.
      send('mapperStop', {}).catch((e: unknown) => {
        warn('could not stop the mapper in every frame')(e);
        end();
      });
    },
  });
  stopListening = listen({
    mapperPicked: (pick) => {
      handle.pickedElsewhere(pick);
      return { ok: true };
    },
    mapperEnd: () => {
      end();
      return { ok: true };
    },
  });
  g.__pmpCheckMapper = handle;
}

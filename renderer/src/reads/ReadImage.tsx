// A read's plate crop or context frame (reads.media: audited with the session's purpose and
// case like any ALPR access, R1/R3), with its SHA-256 check: an image whose bytes no longer
// match the hash the read recorded is shown under a red warning, never silently.
import { Alert, Anchor, Badge, Group, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ReadMediaDto, ReadMediaKind } from '../../../electron/api/types';
import { call, messageOf } from '../api';
import type { PlateOutline } from './outline';
import { handleAlprRefusal, useReadsStore } from './store';

const LABEL: Record<ReadMediaKind, string> = { crop: 'Plate crop', frame: 'Context frame' };

/**
 * The plate's outline drawn over the context frame, in the coordinates of the frame it was measured
 * in (the SVG's viewBox), so a smaller stored copy of the frame lines up too.
 */
function Outline({ o }: { o: PlateOutline }) {
  return (
    <svg
      data-testid="read-frame-outline"
      data-kind={o.kind}
      viewBox={`0 0 ${o.width} ${o.height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={o.kind === 'corners' ? 'The plate, outlined by its corners' : 'The plate’s box'}
      style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', pointerEvents: 'none' }}
    >
      <polygon
        points={o.points.map((p) => `${p.x},${p.y}`).join(' ')}
        fill="none"
        stroke="#ffd400"
        strokeWidth={2}
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}

export function ReadImage({ readId, kind, outline = null }: { readId: number; kind: ReadMediaKind; outline?: PlateOutline | null }) {
  const access = useReadsStore((s) => s.access);
  const [media, setMedia] = useState<ReadMediaDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setMedia(null);
    setError(null);
    if (!access) return;
    call('reads.media', { access, id: readId, kind })
      .then((m) => live && setMedia(m))
      .catch((e: unknown) => {
        if (!live) return;
        setError(messageOf(e));
        handleAlprRefusal(e);
      });
    return () => {
      live = false;
    };
  }, [access, readId, kind]);

  const src = media?.mime.startsWith('image/') ? `data:${media.mime};base64,${media.base64}` : null;
  return (
    <Stack gap={4} data-testid={`read-${kind}`}>
      <Group gap="xs">
        <Text fw={700} size="sm">
          {LABEL[kind]}
        </Text>
        {media && (
          <Badge color={media.intact ? 'green' : 'red'} variant="light">
            {media.intact ? 'SHA-256 verified' : 'changed after import'}
          </Badge>
        )}
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {!error && !media && <Loader size="sm" aria-label={`Loading the ${LABEL[kind].toLowerCase()}`} />}
      {media && !media.intact && (
        <Alert color="red" title="This image does not match its SHA-256">
          The file in the media folder was changed after the read was made; it is not the evidence the read
          recorded.
        </Alert>
      )}
      {media && !src && <Alert color="yellow">The stored file is not an image ({media.mime}).</Alert>}
      {src && (
        <Anchor
          href={src}
          display="block"
          pos="relative"
          download={`read-${readId}-${kind}.${media!.mime === 'image/png' ? 'png' : 'jpg'}`}
          title="Save a copy"
        >
          <img
            src={src}
            alt={`${LABEL[kind]} of read ${readId}`}
            style={
              kind === 'crop'
                ? {
                    display: 'block',
                    width: '100%',
                    maxWidth: 360,
                    height: 'auto',
                    imageRendering: 'pixelated',
                  }
                : { display: 'block', width: '100%', height: 'auto' }
            }
          />
          {kind === 'frame' && outline && <Outline o={outline} />}
        </Anchor>
      )}
    </Stack>
  );
}
